export { videoJob } from './video-job.js';
export { poolScaler } from './pool-scaler.js';
