// zod for the browser build: the option rules build their zod schemas lazily, for the task
// schemas of the dispatch, which the browser build does not have. Nothing there calls it.
export const z = new Proxy(
  {},
  {
    get(_target, name) {
      throw new Error(`strdist: zod (z.${String(name)}) is not in the browser build: task schemas are for the Node.js dispatch`);
    },
  },
);
