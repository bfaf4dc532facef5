// The interview page: one WebSocket to the server (events in, audio frames and typed text
// out), the interviewer's lines played as they come, the code pad. Reconnects when the
// socket drops; the server's snapshot brings the page back to where the session is.
"use strict";
const cfg = JSON.parse(document.getElementById("cfg").textContent);
const $ = (id) => document.getElementById(id);
const FRAME_SAMPLES = 512, RATE = 16000;

let ws = null;
let seq = 0;
const frameTimes = new Map(); // page frame number -> performance.now() when it was sent
let pendingSay = null; // a "say" event waiting for its WAV
// The line being played: {say, buffer, source, gain, offset, ctxStart, held, heldAt, done}.
// The server holds, resumes and stops it when the candidate talks over it (see hold()).
let nowLine = null;
const lineLog = []; // what happened to the lines, for the tests: {type, line, at_s}
window.lineLog = lineLog;
const FADE_S = 0.008; // holds and stops fade out over this (no click)
let playCtx = null;
let clockEnd = null; // performance.now() when the question's time box runs out
let code = { pad: null, questionId: null, timer: null };
let liveWords = "";
let state = "idle";

// --- the socket -------------------------------------------------------------------------
function connect() {
  ws = new WebSocket(`ws://${location.host}/ws?token=${encodeURIComponent(cfg.token)}`);
  ws.binaryType = "arraybuffer";
  ws.onopen = () => setState(state === "idle" ? "connected" : state);
  ws.onclose = () => {
    $("state").textContent = "connection lost: reconnecting… (your answers so far are saved)";
    setTimeout(connect, 1000);
  };
  ws.onmessage = (msg) => {
    if (typeof msg.data === "string") handle(JSON.parse(msg.data));
    else if (pendingSay) { const say = pendingSay; pendingSay = null; play(say, msg.data); }
  };
}
function send(event) {
  if (ws && ws.readyState === WebSocket.OPEN) { ws.send(JSON.stringify(event)); return true; }
  return false;
}

// --- events from the server ---------------------------------------------------------------
function handle(ev) {
  switch (ev.type) {
    case "snapshot":
      document.body.dataset.snapshots = String(Number(document.body.dataset.snapshots || 0) + 1);
      $("transcript").textContent = "";
      for (const t of ev.turns) addTurn(t);
      setState(ev.state, ev);
      if (ev.status) $("state").textContent = ev.status;
      if (ev.listening) listen(ev.listening);
      if (ev.code) showCode(ev.code);
      if (ev.last_run) showRun(ev.last_run);
      break;
    case "state": setState(ev.state, ev); break;
    case "status": $("state").textContent = ev.text; break;
    case "listen": listen(ev); break;
    case "words": showLive(ev.text); break;
    case "level": meter(ev.dbfs, ev.speech); break;
    case "turn": addTurn(ev); if (ev.speaker === "candidate") showLive(""); break;
    case "turn_withdrawn": {
      const shown = $("transcript").querySelector(`.turn[data-index="${ev.index}"]`);
      if (shown) shown.remove();
      break;
    }
    case "say":
      $("state").textContent = ""; // "thinking…" and the like are over
      $("line").textContent = ev.text;
      $("now-saying").classList.add("speaking");
      $("mic-state").textContent = "the interviewer is speaking";
      if (ev.audio) { pendingSay = ev; nowLine = { say: ev, held: false, done: false }; }
      else sayDone(ev);
      break;
    case "hold": hold(ev); break;
    case "resume": resume(ev); break;
    case "stop": stopLine(ev); break;
    case "code": showCode(ev); break;
    case "run": showRun(ev); break;
  }
}

function setState(s, ev) {
  state = s;
  const text = { loading: "loading the models…", running: "", finished: "the interview is over",
    failed: "the interview stopped: " + ((ev && ev.error) || ""), connected: "" }[s];
  if (text !== undefined && text !== "") $("state").textContent = text;
  if (s === "finished" && ev && ev.session_id) {
    const link = $("scorecard-link");
    link.href = cfg.scorecard.replace("SESSION", encodeURIComponent(ev.session_id));
    $("finished").hidden = false;
  }
  document.body.dataset.state = s;
}

function addTurn(t) {
  const div = document.createElement("div");
  div.className = "turn " + t.speaker;
  div.dataset.act = t.act || "";
  div.dataset.index = t.index;
  const who = document.createElement("span");
  who.className = "who";
  who.textContent = t.speaker === "interviewer" ? "Interviewer" : "You";
  div.append(who, document.createTextNode(": " + (t.text || "(silence)")));
  // A reopened answer (the candidate went on) comes again under its index: replace it.
  const shown = $("transcript").querySelector(`.turn[data-index="${t.index}"]`);
  if (shown) shown.replaceWith(div);
  else $("transcript").append(div);
  div.scrollIntoView({ block: "nearest" });
}

function showLive(text) {
  liveWords = text;
  $("live").hidden = !text;
  $("live-words").textContent = text;
}

function listen(info) {
  $("round").textContent = info.round_title || info.round;
  $("persona").textContent = info.persona ? "with " + info.persona : "";
  if (info.question) $("question").textContent = info.question;
  $("question-box").hidden = !info.question;
  if (info.time_left_s !== null && info.time_left_s !== undefined)
    clockEnd = performance.now() + info.time_left_s * 1000;
  $("mic-state").textContent = info.thinking ? "take your time: listening" : "your turn: listening";
  document.body.dataset.listening = "yes";
}

function meter(dbfs, speech) {
  const width = Math.max(0, Math.min(100, (dbfs + 60) * (100 / 60)));
  $("level").style.width = width + "%";
  $("level").style.background = speech > 0.5 ? "#16a34a" : "#9ca3af";
}

setInterval(() => {
  if (clockEnd === null) return;
  const left = Math.max(0, Math.round((clockEnd - performance.now()) / 1000));
  $("clock").textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
  $("clock").classList.toggle("low", left < 60);
}, 250);

// --- the interviewer's voice ----------------------------------------------------------------
async function play(say, wav) {
  try {
    unlockAudio();
    const buffer = pcmBuffer(wav) || (await playCtx.decodeAudioData(wav));
    const line = nowLine && nowLine.say.line === say.line ? nowLine : null;
    if (!line || line.done) return; // stopped before its audio arrived (sayDone was sent)
    line.buffer = buffer;
    line.offset = 0;
    if (!line.held) startAt(line, 0);
    // When the first sample leaves: now, plus what the audio stack holds before the device.
    const started =
      performance.now() + ((playCtx.baseLatency || 0) + (playCtx.outputLatency || 0)) * 1000;
    let latency = null;
    if (say.after_frame && frameTimes.has(say.after_frame.seq))
      latency = started - (frameTimes.get(say.after_frame.seq) - (say.after_frame.after / RATE) * 1000);
    send({ type: "started", line: say.line, latency_ms: latency });
    document.body.dataset.lines = String(say.line);
    logLine("started", line, 0);
  } catch (err) {
    console.error("cannot play the line", err);
    sayDone(say);
  }
}
// Play the line from `from` seconds, fading in (from 0: at once, nothing to fade from).
function startAt(line, from) {
  const source = playCtx.createBufferSource();
  source.buffer = line.buffer;
  const gain = playCtx.createGain();
  const t = playCtx.currentTime;
  gain.gain.setValueAtTime(from > 0 ? 0 : 1, t);
  if (from > 0) gain.gain.linearRampToValueAtTime(1, t + FADE_S);
  source.connect(gain).connect(playCtx.destination);
  source.onended = () => {
    if (line.source !== source || line.done) return; // faded out by a hold or a stop
    line.done = true;
    setLineState("ended");
    logLine("ended", line, line.buffer.duration);
    sayDone(line.say);
  };
  line.source = source;
  line.gain = gain;
  line.offset = from;
  line.ctxStart = t;
  source.start(t, from);
  setLineState("playing");
}
// Seconds of the line played so far (a held line: where it was held).
function linePosition(line) {
  if (line.held || !line.source) return line.heldAt || line.offset || 0;
  return Math.min(line.buffer.duration, line.offset + (playCtx.currentTime - line.ctxStart));
}
// Fade the line out and let go of its source; returns where it was.
function fadeOut(line) {
  const at = linePosition(line);
  if (line.source) {
    const t = playCtx.currentTime;
    line.gain.gain.cancelScheduledValues(t);
    line.gain.gain.setValueAtTime(line.gain.gain.value, t);
    line.gain.gain.linearRampToValueAtTime(0, t + FADE_S);
    line.source.stop(t + FADE_S);
    line.source = null;
  }
  return at;
}
function current(ev) {
  return nowLine && nowLine.say.line === ev.line && !nowLine.done ? nowLine : null;
}
// The candidate started speaking over the line: fall silent at once, keep the place (or,
// with a gain above 0, only lower it). The server decides; the page only does it.
function hold(ev) {
  const line = current(ev);
  if (!line) return;
  if (ev.gain > 0) {
    if (line.gain) line.gain.gain.setTargetAtTime(ev.gain, playCtx.currentTime, FADE_S / 3);
    return;
  }
  if (line.held) return;
  line.heldAt = line.buffer ? fadeOut(line) : 0;
  line.held = true;
  setLineState("held");
  logLine("held", line, line.heldAt);
  send({ type: "held", line: ev.line, at_s: line.heldAt });
}
// A backchannel (or nothing): go on, from where the server says (a little before the hold).
function resume(ev) {
  const line = current(ev);
  if (!line) return;
  if (!line.held) {
    if (line.gain) line.gain.gain.setTargetAtTime(1, playCtx.currentTime, FADE_S / 3);
    return;
  }
  line.held = false;
  const from = typeof ev.from_s === "number" ? ev.from_s : line.heldAt;
  logLine("resumed", line, from);
  if (line.buffer) startAt(line, Math.max(0, Math.min(from, line.buffer.duration)));
}
// The candidate went on: the line stops for good; the server learns how much was played.
function stopLine(ev) {
  const line = current(ev);
  if (!line) return;
  const at = line.buffer ? fadeOut(line) : 0;
  line.done = true;
  setLineState("stopped");
  logLine("stopped", line, at);
  sayDone(line.say, at);
}
function setLineState(s) { document.body.dataset.line = s; }
function logLine(type, line, at) {
  // epoch_ms: when it happened, on the machine's clock (the barge-in benchmark's timing).
  const epoch_ms = performance.timeOrigin + performance.now();
  lineLog.push({ type, line: line.say.line, at_s: Math.round(at * 1000) / 1000, epoch_ms });
}
// espeak-ng's WAV is 16-bit PCM: copied straight into an AudioBuffer at its own rate, which
// is quicker than decodeAudioData (that resamples first). Anything else: null.
function pcmBuffer(wav) {
  const view = new DataView(wav);
  const tag = (at) => String.fromCharCode(...new Uint8Array(wav, at, 4));
  if (wav.byteLength < 44 || tag(0) !== "RIFF" || tag(8) !== "WAVE") return null;
  let at = 12, rate = 0, channels = 0, bits = 0, format = 0;
  while (at + 8 <= wav.byteLength) {
    const id = tag(at), size = view.getUint32(at + 4, true);
    if (id === "fmt ") {
      format = view.getUint16(at + 8, true);
      channels = view.getUint16(at + 10, true);
      rate = view.getUint32(at + 12, true);
      bits = view.getUint16(at + 22, true);
    } else if (id === "data") {
      if (format !== 1 || bits !== 16 || channels !== 1 || !rate) return null;
      const count = Math.floor(Math.min(size, wav.byteLength - at - 8) / 2);
      const samples = new Int16Array(wav.slice(at + 8, at + 8 + count * 2));
      const buffer = playCtx.createBuffer(1, Math.max(count, 1), rate);
      const out = buffer.getChannelData(0);
      for (let i = 0; i < count; i++) out[i] = samples[i] / 32768;
      return buffer;
    }
    at += 8 + size + (size % 2);
  }
  return null;
}

// A browser lets a page play sound once the user has clicked or typed in it: the first
// click or key press on the page (any button, the typing box) unlocks the voice.
function unlockAudio() {
  playCtx = playCtx || new AudioContext();
  if (playCtx.state === "suspended") playCtx.resume().catch(() => {});
}
document.addEventListener("pointerdown", unlockAudio, { capture: true });
document.addEventListener("keydown", unlockAudio, { capture: true });

function sayDone(say, playedS) {
  $("now-saying").classList.remove("speaking");
  if (!say.line) return;
  const ev = { type: "heard", line: say.line };
  if (playedS !== undefined) ev.played_s = playedS; // stopped there
  send(ev);
}

// --- the microphone -----------------------------------------------------------------------
async function startMic() {
  $("mic-start").disabled = true;
  unlockAudio(); // the click lets the page play audio too
  if (cfg.local_audio) { $("mic-state").textContent = "this machine's microphone is used"; return; }
  try {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true, channelCount: 1 },
    });
    const ctx = new AudioContext({ sampleRate: RATE });
    await ctx.audioWorklet.addModule(cfg.worklet);
    const node = new AudioWorkletNode(ctx, "pcm16-frames");
    node.port.onmessage = (e) => sendFrame(e.data);
    ctx.createMediaStreamSource(stream).connect(node);
    $("mic-start").textContent = "Microphone on";
    $("mic-state").textContent = "microphone on";
    document.body.dataset.mic = "on";
  } catch (err) {
    $("mic-start").disabled = false;
    $("mic-state").textContent = "no microphone (" + err.name + "): type your answers below";
  }
}
function sendFrame(buffer) {
  if (!ws || ws.readyState !== WebSocket.OPEN) return; // the server's turn waits for us
  seq += 1;
  const header = new Float64Array([seq]);
  const out = new Uint8Array(8 + buffer.byteLength);
  out.set(new Uint8Array(header.buffer), 0);
  out.set(new Uint8Array(buffer), 8);
  ws.send(out.buffer);
  frameTimes.set(seq, performance.now());
  if (frameTimes.size > 4000) frameTimes.delete(seq - 4000);
}

// --- buttons and typing -------------------------------------------------------------------
function say(text) {
  if (send({ type: "text", text })) showLive("");
}
for (const b of document.querySelectorAll("#buttons [data-say]")) {
  b.addEventListener("click", () => {
    if (b.dataset.done && liveWords) send({ type: "done" }); // end what is being said
    else say(b.dataset.say);
  });
}
$("stop").addEventListener("click", () => send({ type: "stop" }));
$("typed").addEventListener("submit", (e) => {
  e.preventDefault();
  const text = $("typed-text").value.trim();
  if (text) { say(text); $("typed-text").value = ""; }
});
$("mic-start").addEventListener("click", startMic);

// --- the code pad -------------------------------------------------------------------------
function showCode(ev) {
  $("pad").hidden = false;
  $("pad-file").textContent = ev.file ? "(" + ev.file + ")" : "";
  // The same question after a reconnect: the pad's own text is the newest.
  if (code.pad && code.questionId === ev.question_id) return;
  code.questionId = ev.question_id;
  const editor = $("editor");
  editor.textContent = "";
  if (window.CodePad) code.pad = window.CodePad.create(editor, ev.text, saveSoon);
  else { // the bundle was not built: a plain text area keeps the round usable
    const area = document.createElement("textarea");
    area.value = ev.text;
    area.addEventListener("input", () => saveSoon(area.value));
    editor.append(area);
    code.pad = { getText: () => area.value, setText: (v) => { area.value = v; } };
  }
  document.body.dataset.pad = window.CodePad ? window.CodePad.kind : "textarea";
}
function saveSoon() {
  clearTimeout(code.timer);
  $("saved").textContent = "…";
  code.timer = setTimeout(saveNow, 600);
}
function saveNow() {
  clearTimeout(code.timer);
  if (!code.pad) return;
  if (send({ type: "code", question_id: code.questionId, text: code.pad.getText() }))
    $("saved").textContent = "saved";
}
$("run")?.addEventListener("click", () => {
  saveNow();
  say(cfg.run_tests);
  $("result").hidden = false;
  $("result").className = "result";
  $("result").textContent = "running the hidden tests…";
});
function showRun(ev) {
  $("result").hidden = false;
  $("result").className = "result" + (ev.all_passed ? "" : " fail");
  $("result").textContent = "";
  const head = document.createElement("b");
  head.textContent = `Hidden tests: ${ev.passed} passed, ${ev.total - ev.passed} failed.`;
  const said = document.createElement("div");
  said.textContent = "Interviewer: " + ev.said;
  $("result").append(head, said);
  $("result").dataset.passed = ev.passed;
  $("result").dataset.total = ev.total;
}

connect();
