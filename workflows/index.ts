export { videoJob } from './video-job.js';
export { jobWebhook } from './job-webhook.js';
