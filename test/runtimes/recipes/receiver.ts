// receiver.ts: one receiver per process (or isolate), shared by every request.
import { adobeSign, createReceiver, docstudio } from '@countersign/core';

/** `env`: the runtime's environment (`process.env`, `Deno.env.toObject()`, a Workers `env`). */
export function webhookReceiver(env: object) {
  const { ADOBE_SIGN_CLIENT_IDS = '', DOCSTUDIO_LOGIN, DOCSTUDIO_PASSWORD, DOCSTUDIO_SUCCESS_CODE = '200' } = env as Record<string, string | undefined>;
  const receiver = createReceiver({
    endpoints: {
      'adobe-sign': adobeSign({ clientIds: ADOBE_SIGN_CLIENT_IDS.split(',') }),
      docstudio: docstudio({ login: DOCSTUDIO_LOGIN, password: DOCSTUDIO_PASSWORD, successCode: Number(DOCSTUDIO_SUCCESS_CODE) }),
    },
  });
  receiver.onAny(async (event) => {
    // Your work: it runs after the answer, within the runtime's keep-alive where there is one.
    console.log(JSON.stringify({ endpoint: event.endpoint, name: event.name, id: event.id }));
  });
  return receiver;
}
