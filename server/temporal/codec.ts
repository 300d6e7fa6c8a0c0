/**
 * 载荷加密 payload codec: case data (ID numbers, income) is encrypted with
 * AES-256-GCM before it reaches Temporal, so histories hold no plaintext
 * personal information. Each payload names its key id, so keys can rotate:
 * the first key encrypts, any listed key decrypts.
 */
import type { Payload, PayloadCodec } from '@temporalio/common';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const ENCODING = 'binary/encrypted';
const enc = new TextEncoder();
const dec = new TextDecoder();

export class AesGcmCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;

  constructor(private readonly keys: { id: string; key: Buffer }[]) {
    if (keys.length === 0) throw new Error('AesGcmCodec needs at least one key');
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const { id, key } = this.keys[0];
    return payloads.map((p) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const plain = Buffer.from(encodePayload(p));
      const body = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { encoding: enc.encode(ENCODING), 'encryption-key-id': enc.encode(id) },
        data: body,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      if (!p.metadata || dec.decode(p.metadata.encoding) !== ENCODING) return p;
      const keyId = dec.decode(p.metadata['encryption-key-id']);
      const key = this.byId.get(keyId);
      if (!key) throw new Error(`no decryption key with id ${keyId}`);
      const data = Buffer.from(p.data ?? new Uint8Array());
      const iv = data.subarray(0, 12);
      const tag = data.subarray(data.length - 16);
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAuthTag(tag);
      const plain = Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
      return decodePayload(plain);
    });
  }
}

// A payload is serialised as JSON of its metadata (base64 values) and data (base64).
function encodePayload(p: Payload): string {
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(p.metadata ?? {})) metadata[k] = Buffer.from(v).toString('base64');
  return JSON.stringify({ metadata, data: Buffer.from(p.data ?? new Uint8Array()).toString('base64') });
}

function decodePayload(buf: Buffer): Payload {
  const { metadata, data } = JSON.parse(buf.toString('utf8')) as {
    metadata: Record<string, string>;
    data: string;
  };
  const md: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(metadata)) md[k] = new Uint8Array(Buffer.from(v, 'base64'));
  return { metadata: md, data: new Uint8Array(Buffer.from(data, 'base64')) };
}
