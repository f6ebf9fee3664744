/** SSE blocks as {id, event, data}, with multi-line data joined by newlines as a browser would. */
export function parseSse(text: string): { id: string; event: string; data: string }[] {
  return text
    .trim()
    .split('\n\n')
    .map((block) => {
      const lines = block.split('\n');
      const field = (name: string) =>
        lines
          .filter((line) => line.startsWith(`${name}: `))
          .map((line) => line.slice(name.length + 2));
      return { id: field('id')[0], event: field('event')[0], data: field('data').join('\n') };
    });
}
