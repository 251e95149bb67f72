// The gateway as the transports' ChatService (server/contracts/chat.ts): plan, then answer or
// stream. The composition root builds it with createChatService(deps).
import type { ChatService } from '../contracts/chat';
import { answer } from './answer';
import { answerStream } from './answer-stream';
import { planRequest } from './plan-request';
import type { GatewayDeps } from './types';

export function createChatService(deps: GatewayDeps): ChatService {
  return {
    complete: async (principal, req) => answer(await planRequest(deps, principal, req)),
    stream: async (principal, req) => answerStream(await planRequest(deps, principal, req)),
  };
}
