/** A finished job's video with its poster and a download link. */
export function JobVideo({ videoUrl, posterUrl, label }: { videoUrl: string; posterUrl?: string | null | undefined; label: string }) {
  return (
    <figure className="job-video">
      <video src={videoUrl} poster={posterUrl ?? undefined} controls playsInline loop preload="metadata" aria-label={label} />
      <figcaption className="video-actions">
        <a className="btn btn-secondary" href={videoUrl} download>
          Download video
        </a>
        {posterUrl && (
          <a className="btn btn-ghost" href={posterUrl} download>
            Download poster
          </a>
        )}
      </figcaption>
    </figure>
  );
}
