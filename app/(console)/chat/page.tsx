import type { Metadata } from 'next';
import { ChatView } from '@/components/chat/ChatView';
import { Forbidden } from '@/components/Forbidden';
import { requireRole } from '@/lib/session';

export const metadata: Metadata = { title: 'Chat' };

export default async function ChatPage() {
  const viewer = await requireRole('user', '/chat');
  if (!viewer) return <Forbidden needed="user" />;
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Chat</h1>
          <p>Every answer shows which tier answered it and what it cost.</p>
        </div>
      </div>
      <ChatView storageKey={`cascade.chat.${viewer.id}`} />
    </>
  );
}
