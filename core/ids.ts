/** A uuid as PostgreSQL and node:crypto write it (lower-case hex): the one spelling of the pattern. */
export const UUID_TEXT = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

const WHOLE_UUID = new RegExp(`^${UUID_TEXT}$`);

/** Whether the text is exactly one uuid as the platform writes them. */
export const isUuid = (text: string): boolean => WHOLE_UUID.test(text);
