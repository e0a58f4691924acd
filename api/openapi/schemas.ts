import type { z } from 'zod';
import { apiKeyListSchema, authConfigSchema, createdApiKeySchema, currentSessionSchema, dailyUsageSchema, sessionListSchema, signedInSchema, usageSchema, webhookSecretSchema } from '../schemas/account.js';
import { createKeySchema, passwordChangeSchema, signInLinkSchema, signInSchema, signUpSchema } from '../schemas/auth.js';
import { errorBodySchema } from '../error-codes.js';
import { generateFieldsSchema } from '../schemas/generate.js';
import { healthSchema, readinessSchema } from '../schemas/health.js';
import { historyPageSchema } from '../schemas/history.js';
import { acceptedJobSchema, cancelAcceptedSchema, estimateSchema, jobDetailSchema, jobStatusSchema } from '../schemas/jobs.js';
import { requestSchema, responseSchema, type JsonSchema } from './json-schema.js';

/** Every named schema of the document, each from the zod schema the routes use. */
const responses = {
  Error: errorBodySchema,
  JobAccepted: acceptedJobSchema,
  Estimate: estimateSchema,
  JobStatus: jobStatusSchema,
  JobDetail: jobDetailSchema,
  CancelAccepted: cancelAcceptedSchema,
  HistoryPage: historyPageSchema,
  Usage: usageSchema,
  DailyUsage: dailyUsageSchema,
  ApiKeyList: apiKeyListSchema,
  CreatedApiKey: createdApiKeySchema,
  SessionList: sessionListSchema,
  WebhookSecret: webhookSecretSchema,
  SignedIn: signedInSchema,
  CurrentSession: currentSessionSchema,
  AuthConfig: authConfigSchema,
  Health: healthSchema,
  Readiness: readinessSchema,
} satisfies Record<string, z.ZodType>;

const requests = {
  GenerateFields: generateFieldsSchema,
  SignUp: signUpSchema,
  SignIn: signInSchema,
  SignInLink: signInLinkSchema,
  PasswordChange: passwordChangeSchema,
  CreateKey: createKeySchema,
} satisfies Record<string, z.ZodType>;

export type SchemaName = keyof typeof responses | keyof typeof requests;

export function componentSchemas(): Record<SchemaName, JsonSchema> {
  return {
    ...(Object.fromEntries(Object.entries(responses).map(([name, schema]) => [name, responseSchema(schema)])) as Record<keyof typeof responses, JsonSchema>),
    ...(Object.fromEntries(Object.entries(requests).map(([name, schema]) => [name, requestSchema(schema)])) as Record<keyof typeof requests, JsonSchema>),
  };
}

export const schemaRef = (name: SchemaName) => ({ $ref: `#/components/schemas/${name}` });
