/** What a scan answered, for the ear and the hand as well as the eye: one short tone when found, two low ones otherwise. */
export type ScanTone = 'found' | 'repeat' | 'problem';

let audio: AudioContext | undefined;

function beep(frequency: number, at: number, length = 0.12) {
  audio ??= new AudioContext();
  const oscillator = audio.createOscillator();
  const gain = audio.createGain();
  oscillator.frequency.value = frequency;
  gain.gain.value = 0.15;
  oscillator.connect(gain).connect(audio.destination);
  oscillator.start(audio.currentTime + at);
  oscillator.stop(audio.currentTime + at + length);
}

export function signal(tone: ScanTone) {
  try {
    if (tone === 'found') beep(1320, 0);
    else if (tone === 'repeat') beep(660, 0);
    else {
      beep(330, 0);
      beep(330, 0.18);
    }
  } catch {
    // no sound on this device: the message on screen says it all
  }
  navigator.vibrate?.(tone === 'found' ? 60 : tone === 'repeat' ? [40, 60, 40] : [200, 100, 200]);
}
