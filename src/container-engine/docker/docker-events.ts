import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import { ContainerEvent, StatsStream } from '../container-engine';
import { toEngineError } from './docker-errors';
import { followJsonLines } from './stream-demuxer';

interface DockerEventMessage {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

/** Follows the daemon's container events for containers carrying every given label. */
export async function streamContainerEvents(
  docker: Docker,
  labels: Record<string, string | true>,
  onEvent: (event: ContainerEvent) => void,
): Promise<StatsStream> {
  const label = Object.entries(labels).map(([key, value]) =>
    value === true ? key : `${key}=${value}`,
  );
  let stream: Readable;
  try {
    stream = (await docker.getEvents({
      filters: { type: ['container'], label },
    })) as unknown as Readable;
  } catch (error) {
    throw toEngineError(error, 'Following container events');
  }
  return followJsonLines(stream, (line) => {
    let message: DockerEventMessage;
    try {
      message = JSON.parse(line) as DockerEventMessage;
    } catch {
      return;
    }
    const id = message.Actor?.ID;
    if (message.Type !== 'container' || !id || !message.Action) return;
    // Exec events carry the command after a colon (`exec_start: sh -c …`); keep the verb.
    const action = message.Action.split(':', 1)[0].trim();
    onEvent({ containerId: id, name: message.Actor?.Attributes?.name ?? '', action });
  });
}
