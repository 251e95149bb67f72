// Verifier: code blocks in an answer that can be parsed are parsed. JSON with JSON.parse,
// JavaScript with acorn; other languages get a bracket-balance check outside strings and comments
// (a cut-off or garbled block fails it; valid code in any C-like or Python-like language passes).
import { parse } from 'acorn';

export interface CodeBlock {
  lang: string;
  code: string;
  closed: boolean;
}

const MAX_BLOCKS = 20;
const MAX_CODE = 50_000;

/** Fenced blocks (```lang ... ```); an unclosed last fence yields a block with closed = false. */
export function codeBlocks(text: string): CodeBlock[] {
  const out: CodeBlock[] = [];
  let i = text.indexOf('```');
  while (i >= 0 && out.length < MAX_BLOCKS) {
    const eol = text.indexOf('\n', i + 3);
    if (eol < 0) break;
    const lang = text.slice(i + 3, eol).trim().toLowerCase().split(/\s/)[0] ?? '';
    const close = text.indexOf('```', eol + 1);
    const code = text.slice(eol + 1, close < 0 ? text.length : close).slice(0, MAX_CODE);
    out.push({ lang, code, closed: close >= 0 });
    if (close < 0) break;
    i = text.indexOf('```', close + 3);
  }
  return out;
}

function balanced(code: string, hashComments: boolean): boolean {
  const stack: string[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  let quote: string | null = null;
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote || (c === '\n' && quote !== '`')) quote = null;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '/' && code[i + 1] === '/' && !hashComments) i = skipLine(code, i);
    else if (c === '#' && hashComments) i = skipLine(code, i);
    else if (c === '/' && code[i + 1] === '*') {
      const e = code.indexOf('*/', i + 2);
      i = e < 0 ? code.length : e + 1;
    } else if (c === '(' || c === '[' || c === '{') stack.push(c);
    else if (c in pairs) {
      if (stack.pop() !== pairs[c]) return false;
    }
  }
  return stack.length === 0;
}

function skipLine(code: string, i: number): number {
  const e = code.indexOf('\n', i);
  return e < 0 ? code.length : e - 1;
}

export function blockParses(b: CodeBlock): boolean {
  if (!b.closed) return false;
  const code = b.code;
  if (b.lang === 'json') {
    try {
      JSON.parse(code);
      return true;
    } catch {
      return false;
    }
  }
  if (b.lang === 'js' || b.lang === 'javascript' || b.lang === 'mjs') {
    try {
      parse(code, { ecmaVersion: 'latest', sourceType: 'module', allowReturnOutsideFunction: true, allowAwaitOutsideFunction: true, allowHashBang: true });
      return true;
    } catch {
      // Snippets often mix script and module syntax or are fragments: fall back to balance.
      return balanced(code, false);
    }
  }
  const hash = ['python', 'py', 'bash', 'sh', 'shell', 'ruby', 'r', 'yaml', 'yml', 'toml', 'perl'].includes(b.lang);
  // Markup and prose blocks carry apostrophes and unpaired brackets legitimately.
  if (['', 'text', 'txt', 'markdown', 'md', 'html', 'xml', 'css', 'csv', 'plaintext', 'sql', 'latex', 'tex'].includes(b.lang)) return true;
  return balanced(code, hash);
}

export function parseCodeBlocks(text: string): { blocks: number; broken: number } {
  const blocks = codeBlocks(text);
  return { blocks: blocks.length, broken: blocks.filter((b) => !blockParses(b)).length };
}
