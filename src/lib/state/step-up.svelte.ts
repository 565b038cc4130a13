import { TRPCClientError } from '@trpc/client';

/** The server wants the password again before this change (trpc/init.ts steppedUp). */
export function needsStepUp(error: unknown): boolean {
	return error instanceof TRPCClientError && (error.data as { stepUp?: boolean } | undefined)?.stepUp === true;
}

/**
 * The one step-up dialog of the signed-in shell (StepUpDialog.svelte): a form whose change needs a recent proof of
 * who the person is asks here, and tries its change once more when the password was confirmed.
 */
class StepUp {
	open = $state(false);
	#waiting: Promise<boolean> | null = null;
	#resolve: ((confirmed: boolean) => void) | null = null;

	/** Opens the dialog (once, however many forms ask); true once the password was confirmed, false when cancelled. */
	ask(): Promise<boolean> {
		this.#waiting ??= new Promise<boolean>((resolve) => {
			this.#resolve = resolve;
			this.open = true;
		});
		return this.#waiting;
	}

	finish(confirmed: boolean): void {
		this.open = false;
		this.#resolve?.(confirmed);
		this.#resolve = null;
		this.#waiting = null;
	}
}

export const stepUp = new StepUp();
