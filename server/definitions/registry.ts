/** What a process definition may refer to: the validator checks names against this. */
export interface DefinitionRegistry {
  /** a form by key (and version): its field paths, for field permissions */
  forms: (key: string, version?: number) => { fields: string[]; stages?: string[] } | undefined;
  activities: (
    name: string,
  ) => { inputSchema: Record<string, unknown>; outputSchema: Record<string, unknown> } | undefined;
  roles: Set<string>;
  params: Set<string>;
}

/** One problem in a definition, named by step and JSON pointer, in Chinese and English. */
export interface DefinitionError {
  stepId?: string;
  path: string;
  code: string;
  message: string;
  message_en: string;
}
