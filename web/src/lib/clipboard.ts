/**
 * Copies `text`; resolves true when copied, or calls `onRefused` with a message saying how to copy
 * `what` by hand (the browser may refuse clipboard access outside a secure context).
 */
export async function copyText(text: string, what: string, onRefused: (err: Error) => void): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    onRefused(new Error(`Copying was refused by the browser; select the ${what} and copy it by hand.`));
    return false;
  }
}
