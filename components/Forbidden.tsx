import Link from 'next/link';

export function Forbidden({ needed }: { needed: string }) {
  return (
    <div className="panel empty" role="alert" data-testid="forbidden">
      <h1>403 · Not allowed</h1>
      <p>This page needs the {needed} role. <Link href="/chat">Back to chat</Link></p>
    </div>
  );
}
