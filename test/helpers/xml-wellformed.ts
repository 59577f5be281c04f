/**
 * A well-formedness check for the XML our JUnit reporter writes (no XML parser is a dependency):
 * one root, balanced tags, quoted attributes without raw < or &, known entities only, and only
 * characters XML 1.0 allows. Returns the problems found; [] means well-formed.
 */
const NAME = "[A-Za-z_][\\w.-]*";
const ATTR = `\\s+${NAME}="[^"<&]*(?:&(?:amp|lt|gt|quot|apos|#\\d+);[^"<&]*)*"`;
const TAG = new RegExp(`^<(/?)(${NAME})((?:${ATTR})*)\\s*(/?)>`);
const TEXT = /^[^<&]*(?:&(?:amp|lt|gt|quot|apos|#\d+);[^<&]*)*/;
const INVALID = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD]/;

export function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  if (INVALID.test(xml.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ""))) problems.push("character not allowed in XML 1.0");
  let rest = xml.replace(/^<\?xml [^?]*\?>\s*/, "");
  const stack: string[] = [];
  let roots = 0;
  while (rest.length) {
    if (rest.startsWith("<")) {
      const m = TAG.exec(rest);
      if (!m) {
        problems.push(`malformed tag at: ${rest.slice(0, 40)}`);
        break;
      }
      const [all, close, name = "", , selfClose] = m;
      if (close) {
        const open = stack.pop();
        if (open !== name) problems.push(`</${name}> closes <${open ?? "nothing"}>`);
      } else {
        if (stack.length === 0) roots++;
        if (!selfClose) stack.push(name);
      }
      rest = rest.slice(all.length);
    } else {
      const m = TEXT.exec(rest);
      const text = m?.[0] ?? "";
      if (text.length === 0) {
        problems.push(`bad entity or text at: ${rest.slice(0, 40)}`);
        break;
      }
      if (stack.length === 0 && text.trim()) problems.push("text outside the root element");
      rest = rest.slice(text.length);
    }
  }
  if (stack.length) problems.push(`unclosed: ${stack.join(" > ")}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}
