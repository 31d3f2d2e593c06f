// Connects the screen to an in-process server. Messages are copied through JSON both ways,
// exactly as they would cross a socket, so neither side can hold the other's objects.
import type { ClientCommand, ServerEvent } from '../core/protocol.js';
import type { AgentServer } from '../server/agent-server.js';

export function linkLocally(server: AgentServer, receive: (event: ServerEvent) => void): (command: ClientCommand) => void {
  const connection = server.connect((event) => receive(JSON.parse(JSON.stringify(event)) as ServerEvent));
  return (command) => connection.handle(JSON.parse(JSON.stringify(command)) as ClientCommand);
}
