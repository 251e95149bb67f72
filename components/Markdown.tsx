'use client';
import ReactMarkdown from 'react-markdown';
import rehypeSanitize from 'rehype-sanitize';

// Model answers and prompts are untrusted. react-markdown never renders raw HTML (no rehype-raw)
// and rehype-sanitize strips dangerous attributes and javascript: URLs from what markdown produces.
export function Markdown({ text }: { text: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown rehypePlugins={[rehypeSanitize]}>{text}</ReactMarkdown>
    </div>
  );
}
