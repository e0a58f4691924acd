/**
 * Whether Google's words say Veo's safety filters refused the request, rather than that it was
 * malformed or Veo failed. Google documents no error code for it, only the wording: "The prompt
 * couldn't be submitted", "it might violate our policies", and messages like "Veo could not
 * generate videos because the input image violates Vertex AI's usage guidelines … Support codes:
 * 15236754" (Responsible AI and usage guidelines for Veo,
 * https://cloud.google.com/vertex-ai/generative-ai/docs/video/responsible-ai-and-usage-guidelines).
 * A support code alone proves nothing: internal errors carry them too.
 */
const SAFETY_WORDING = /usage guidelines|violates? (?:our|the) polic|couldn.t be submitted|could not be submitted|safety filter/i;

export function isSafetyRefusal(message: string): boolean {
  return SAFETY_WORDING.test(message);
}
