import { useEffect, useId, useRef, useState, type DragEvent } from 'react';
import { ErrorMessage } from '../../../components/ui/Feedback';
import { formatBytes } from '../../../lib/format';
import { checkImage, type CheckedImage } from '../image-rules';

/** Drop, paste or pick the source image; shows a preview once the file passes the server's rules. */
export function ImagePicker({ image, onImage }: { image: CheckedImage | null; onImage: (image: CheckedImage | null) => void }) {
  const inputId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [preview, setPreview] = useState<string | null>(null);

  useEffect(() => {
    if (!image) return setPreview(null);
    const url = URL.createObjectURL(image.file);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [image]);

  const take = async (file: File | undefined | null) => {
    if (!file) return;
    setError(null);
    try {
      onImage(await checkImage(file));
    } catch (err) {
      setError(err);
    }
  };

  useEffect(() => {
    const onPaste = (e: ClipboardEvent) => {
      const file = [...(e.clipboardData?.files ?? [])].find((f) => f.type.startsWith('image/'));
      if (file) {
        e.preventDefault();
        void take(file);
      }
    };
    document.addEventListener('paste', onPaste);
    return () => document.removeEventListener('paste', onPaste);
  });

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    void take(e.dataTransfer.files[0]);
  };

  return (
    <div className="field">
      <span className="label" id={`${inputId}-label`}>
        Source image
      </span>
      <div
        className={`dropzone${dragging ? ' dropzone-active' : ''}${preview ? ' dropzone-filled' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        {preview && image ? (
          <figure className="preview">
            <img src={preview} alt="Preview of the source image" />
            <figcaption>
              {image.file.name} · {image.width}×{image.height} · {formatBytes(image.file.size)}
            </figcaption>
          </figure>
        ) : (
          <p className="dropzone-text">Drop an image here, paste one, or choose a file. PNG, JPEG or WebP, up to 25 MiB, 64–8192 pixels a side.</p>
        )}
        <label htmlFor={inputId} className="btn btn-secondary">
          {image ? 'Choose another image' : 'Choose an image'}
        </label>
        <input
          ref={inputRef}
          id={inputId}
          className="visually-hidden"
          type="file"
          accept="image/png,image/jpeg,image/webp"
          aria-labelledby={`${inputId}-label`}
          onChange={(e) => {
            void take(e.target.files?.[0]);
            e.target.value = '';
          }}
        />
      </div>
      <ErrorMessage error={error} />
    </div>
  );
}
