import { writeFile } from 'node:fs/promises';
import QRCode from 'qrcode';

/**
 * A Y4M video (what Chromium's `--use-file-for-fake-video-capture` plays as the camera, in a loop) of a label's QR code
 * held still in front of the lens: black modules on white, centred, in grey (4:2:0, chroma neutral).
 */
export async function qrVideo(text: string, path: string, width = 640, height = 480, frames = 5): Promise<void> {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const scale = 8;
  const side = (modules.size + 8) * scale; // four modules of quiet zone on each side
  const left = Math.floor((width - side) / 2);
  const top = Math.floor((height - side) / 2);
  const luma = Buffer.alloc(width * height, 235);
  for (let row = 0; row < modules.size; row++)
    for (let col = 0; col < modules.size; col++) {
      if (!modules.get(row, col)) continue;
      for (let y = 0; y < scale; y++) {
        const at = (top + (row + 4) * scale + y) * width + left + (col + 4) * scale;
        luma.fill(16, at, at + scale);
      }
    }
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma]);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`);
  await writeFile(path, Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]));
}
