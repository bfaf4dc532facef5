// The microphone in the page: 16 kHz float samples in (the AudioContext resamples), frames of
// 512 int16 samples (32 ms, the recorder's frame) out to the page, which sends them on.
class Pcm16Frames extends AudioWorkletProcessor {
  constructor() {
    super();
    this.frame = new Int16Array(512);
    this.filled = 0;
  }
  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true;
    for (let i = 0; i < channel.length; i++) {
      const s = Math.max(-1, Math.min(1, channel[i]));
      this.frame[this.filled++] = s < 0 ? s * 32768 : s * 32767;
      if (this.filled === this.frame.length) {
        this.port.postMessage(this.frame.buffer, [this.frame.buffer]);
        this.frame = new Int16Array(512);
        this.filled = 0;
      }
    }
    return true;
  }
}
registerProcessor("pcm16-frames", Pcm16Frames);
