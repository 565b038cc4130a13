import { formProblem, type FormProblem } from '$lib/trpc.ts';
import { needsStepUp, stepUp } from './step-up.svelte.ts';

/**
 * One form's round trip: busy while saving, the problem (with a message per field) when it fails,
 * done when it worked. The form's own values are never touched, so nothing typed is lost.
 */
export class Submission {
	saving = $state(false);
	done = $state(false);
	problem = $state<FormProblem | null>(null);

	/** Runs `action`; true when it succeeded. */
	async run(action: () => Promise<unknown>): Promise<boolean> {
		this.saving = true;
		this.done = false;
		this.problem = null;
		try {
			try {
				await action();
			} catch (err) {
				// A change that needs the password again: asked once, then the same change once more.
				if (!needsStepUp(err) || !(await stepUp.ask())) throw err;
				await action();
			}
			this.done = true;
			return true;
		} catch (err) {
			this.problem = formProblem(err);
			return false;
		} finally {
			this.saving = false;
		}
	}

	error(field: string): string | undefined {
		return this.problem?.fieldErrors[field];
	}
}
