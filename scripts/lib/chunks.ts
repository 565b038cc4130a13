// How the browser build cuts the app into files. The bundler's own rule gives each set of screens that share a
// module a file of its own; with the catalogue compiled to a module per message, a list screen loaded 75 files,
// most of them one message or one icon, and a phone on a slow network waits for every one before the screen is
// ready (Lighthouse: 77–91 on the lists). With the groups below a screen loads 13–27 files and the sign-in page
// loads what it loaded before. docs/benchmarks.md has the figures.
import type { Plugin } from 'vite';

const MESSAGE = /[\\/]paraglide[\\/]messages[\\/](?!_index)[^\\/]+\.js$/;
// The catalogue's barrels name every message: following them, every screen would seem to use every message.
const BARREL = /[\\/]paraglide[\\/](messages\.js|messages[\\/]_index\.js|families\.js)$/;
const ROUTE_FILE = /[\\/]src[\\/]routes[\\/].*\+(page|layout|error)\.(svelte|ts|js)$/;
const APP_LAYOUT = /[\\/]src[\\/]routes[\\/]\(app\)[\\/]\+layout\.(svelte|ts|js)$/;
const APP_ROUTES = /[\\/]src[\\/]routes[\\/]\(app\)[\\/]/;
// m['incident.title'] and m.incident_title, as the compiled components name a message
const NAMED = /\bm\[\s*["'`]([^"'`]+)["'`]\s*\]|\bm\.([A-Za-z_$][\w$]*)/g;

/** The message keys (or accessor names) a compiled module names through the catalogue's `m`. */
export function namedMessages(code: string): string[] {
	return [...new Set(Array.from(code.matchAll(NAMED), (match) => match[1] ?? match[2]!))];
}

/** The module graph as the browser build has it. */
export interface ModuleGraph {
	ids: string[];
	/** the modules one imports statically */
	imports: (id: string) => string[];
	/** the message keys (or their accessor names) a module names */
	named: (id: string) => string[];
	/** a message module's key */
	key: (id: string) => string | undefined;
}

/**
 * What the screens outside the app reach (`outside`), and what the signed-in shell reaches, split into what it
 * shares with them (`shared`) and the rest (`shell`). A module is reached through what reaches it imports, except
 * the catalogue's barrels, and through the messages it names.
 */
export function splitApp(graph: ModuleGraph): { outside: Set<string>; shared: Set<string>; shell: Set<string> } {
	const messages = new Map<string, string>();
	for (const id of graph.ids) {
		const key = graph.key(id);
		if (!key) continue;
		messages.set(key, id);
		messages.set(key.replace(/[^A-Za-z0-9_$]/g, '_'), id);
	}
	const reach = (roots: string[]) => {
		const seen = new Set<string>();
		const todo = [...roots];
		while (todo.length) {
			const id = todo.pop()!;
			if (seen.has(id)) continue;
			seen.add(id);
			for (const key of graph.named(id)) {
				const message = messages.get(key);
				if (message) todo.push(message);
			}
			for (const next of graph.imports(id)) if (!BARREL.test(next)) todo.push(next);
		}
		return seen;
	};
	const outside = reach(graph.ids.filter((id) => ROUTE_FILE.test(id) && !APP_ROUTES.test(id)));
	const app = reach(graph.ids.filter((id) => APP_LAYOUT.test(id)));
	return { outside, shared: new Set([...app].filter((id) => outside.has(id))), shell: new Set([...app].filter((id) => !outside.has(id))) };
}

/**
 * The plugin learns, in the browser build, what the signed-in shell (the (app) layout: tab bar, outbox, live
 * changes and all they use) and the screens outside it (sign-in, the error and offline pages, the root layout)
 * reach; the groups put in one file each:
 * - `common`: what a dozen screens or more share (the framework, the tRPC client), as before;
 * - `base`: what the shell shares with the screens outside it;
 * - `shell`: the rest of the shell, which every signed-in screen loads anyway;
 * - `screens`: what five signed-in screens or more share and the screens outside never use (list rows, filters,
 *   the messages of incidents and clocks), so that sign-in does not load it.
 * What one to four screens share keeps the bundler's own files. The server build keeps its own chunks. A module a
 * group takes brings the modules it imports along: with four screens instead of five, some the sign-in page needs
 * went into `screens` and sign-in loaded 33 KB more (`npm run bench:bundle` shows it).
 */
export function appChunks() {
	const named = new Map<string, string[]>();
	let browser = false;
	let outside = new Set<string>();
	let shared = new Set<string>();
	let shell = new Set<string>();

	const plugin: Plugin = {
		name: 'huiying-app-chunks',
		apply: 'build',
		buildStart() {
			browser = this.environment.name === 'client';
		},
		transform: {
			order: 'post',
			handler(code, id) {
				if (this.environment.name !== 'client' || MESSAGE.test(id) || BARREL.test(id)) return null;
				const keys = namedMessages(code);
				if (keys.length) named.set(id, keys);
				return null;
			}
		},
		buildEnd() {
			if (this.environment.name !== 'client') return;
			({ outside, shared, shell } = splitApp({
				ids: [...this.getModuleIds()],
				imports: (id) => this.getModuleInfo(id)?.importedIds ?? [],
				named: (id) => named.get(id) ?? [],
				key: (id) => (MESSAGE.test(id) ? this.getModuleInfo(id)?.exports[0] : undefined)
			}));
		}
	};

	const groups = [
		{ name: 'common', minShareCount: 12, priority: 4 },
		{ name: 'base', test: (id: string) => browser && shared.has(id), priority: 3 },
		{ name: 'shell', test: (id: string) => browser && shell.has(id), priority: 2 },
		{ name: 'screens', minShareCount: 5, test: (id: string) => browser && !outside.has(id), priority: 1 }
	];
	return { plugin, groups };
}
