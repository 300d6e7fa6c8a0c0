/** The one Ajv instance (draft 2020-12) with our formats; forms compile against it once per version. */
import Ajv2020 from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import {
  checkIdOrDisability,
  isHalfMonths,
  isMobile,
  isPhone,
  isMoney,
  parseDisabilityCert,
  parseResidentId,
} from './formats.js';

export function createAjv() {
  // ajv is CommonJS: Node's ESM loader puts the class on .default, bundlers give the class itself
  const AjvClass = ((Ajv2020 as unknown as { default?: typeof Ajv2020 }).default ??
    Ajv2020) as unknown as new (o: object) => import('ajv').default;
  const ajv = new AjvClass({ allErrors: true, strict: false, allowUnionTypes: true });
  // ajv-formats is CommonJS: its function is the default export under ESM, or the module itself
  const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
    a: unknown,
  ) => void;
  addFormats(ajv);
  ajv.addFormat('resident-id', { type: 'string', validate: (v: string) => parseResidentId(v).valid });
  ajv.addFormat('disability-cert', { type: 'string', validate: (v: string) => parseDisabilityCert(v).valid });
  ajv.addFormat('id-or-disability', {
    type: 'string',
    validate: (v: string) => checkIdOrDisability(v).valid,
  });
  ajv.addFormat('mobile', { type: 'string', validate: isMobile });
  ajv.addFormat('phone', { type: 'string', validate: isPhone });
  // a photo or signature stored by /api/attachments, referenced by its id
  ajv.addFormat('attachment', { type: 'string', validate: (v: string) => /^att_[0-9a-f]{32}$/.test(v) });
  ajv.addFormat('money', { type: 'number', validate: isMoney });
  ajv.addFormat('half-months', { type: 'number', validate: isHalfMonths });
  // our annotations: ajv ignores them, the renderer and the registry read them
  for (const k of ['x-codelist', 'x-stage', 'x-derived', 'x-unit']) ajv.addKeyword(k);
  return ajv;
}

export const ajv = createAjv();
