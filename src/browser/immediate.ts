// setImmediate for the browser build (corpus.ts yields to the event loop between slices of a
// long search): a MessageChannel message, which browsers do not clamp as they do setTimeout(0).
const channel = typeof MessageChannel === 'function' ? new MessageChannel() : undefined;
const queue: (() => void)[] = [];
// (the DOM MessagePort type: this file is type-checked against Node's lib)
if (channel) (channel.port1 as unknown as { onmessage: () => void }).onmessage = () => queue.shift()?.();

function immediate(callback: () => void): void {
  if (!channel) {
    setTimeout(callback, 0);
    return;
  }
  queue.push(callback);
  channel.port2.postMessage(0);
}
export { immediate as setImmediate };
