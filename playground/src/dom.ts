/** The element with this id, checked to be of this kind: a page whose HTML lost an element says which. */
export function byId<T extends Element>(id: string, kind: { new (): T; prototype: T }): T {
  const el = document.getElementById(id);
  if (!(el instanceof kind)) throw new Error(`playground: #${id} is missing from the page or is not a ${kind.name}`);
  return el;
}
