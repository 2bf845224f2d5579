import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * The phone's back camera reading QR codes (@zxing/browser, loaded when the camera is first opened): each code read is
 * handed on once — the camera sees the same label many times a second while it is held in front of it; shown again after it left
 * the picture for two seconds, it is read again (and answered "already counted").
 */
export function CameraScanner({ onCode }: { onCode: (code: string) => void }) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);
  const handler = useRef(onCode);
  handler.current = onCode;

  useEffect(() => {
    let stopped = false;
    let stop: (() => void) | undefined;
    // When each code was last in sight: a label held in front of the camera is read once, not every frame.
    const seen = new Map<string, number>();
    void (async () => {
      try {
        const { BrowserQRCodeReader } = await import('@zxing/browser');
        if (stopped || !video.current) return;
        const controls = await new BrowserQRCodeReader(undefined, {
          delayBetweenScanAttempts: 150,
        }).decodeFromConstraints({ video: { facingMode: 'environment' } }, video.current, (result) => {
          if (!result) return;
          const code = result.getText();
          const now = Date.now();
          const held = now - (seen.get(code) ?? 0) < 2000;
          seen.set(code, now);
          if (!held) handler.current(code);
        });
        if (stopped) controls.stop();
        else stop = () => controls.stop();
      } catch (failure) {
        if (!stopped) setError(failure instanceof Error ? failure.message : String(failure));
      }
    })();
    return () => {
      stopped = true;
      stop?.();
    };
  }, []);

  return (
    <div className="camera-scanner">
      {error ? (
        <p className="notice notice-error" role="alert">
          {t('stocktakes.cameraUnavailable', { error })}
        </p>
      ) : (
        <video ref={video} muted playsInline data-testid="camera" aria-label={t('stocktakes.camera')} />
      )}
    </div>
  );
}
