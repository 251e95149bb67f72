// The pipeline as the transports' ChatService (server/runtime/types.ts): the composition root
// builds it with createChatService(deps).
import type { ChatService } from '../contracts/chat';
import { completeChat, route } from './pipeline';
import { streamAnswer } from './pipeline-stream';
import type { GatewayDeps } from './types';

export function createChatService(deps: GatewayDeps): ChatService {
  return {
    complete: (principal, req) => completeChat(deps, principal, req),
    stream: async (principal, req) => streamAnswer(await route(deps, principal, req)),
  };
}
