export { videoJob } from './video-job.js';
