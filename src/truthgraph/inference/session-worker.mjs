// A worker_thread that owns one onnxruntime session (plain .mjs: workers get no TS transform).
// Protocol: {type:'init', modelPath, options} -> {type:'ready', inputNames, outputNames} | {type:'error'};
// {type:'run', id, feeds:{name:{type,data,dims}}} -> {type:'result', id, outputs:{name:{data,dims}}} | {type:'error', id}.
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';

let session;

parentPort.on('message', async (msg) => {
  if (msg.type === 'init') {
    try {
      session = await ort.InferenceSession.create(msg.modelPath, msg.options);
      parentPort.postMessage({ type: 'ready', inputNames: session.inputNames, outputNames: session.outputNames });
    } catch (error) {
      parentPort.postMessage({ type: 'error', message: String(error?.message ?? error) });
    }
    return;
  }
  if (msg.type === 'run') {
    try {
      const feeds = {};
      for (const [name, t] of Object.entries(msg.feeds)) feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
      const results = await session.run(feeds);
      const outputs = {};
      const transfer = [];
      for (const [name, t] of Object.entries(results)) {
        // Copy into a fresh buffer we own, so it can be transferred without a second copy.
        const data = new Float32Array(t.data);
        outputs[name] = { data, dims: t.dims };
        transfer.push(data.buffer);
      }
      parentPort.postMessage({ type: 'result', id: msg.id, outputs }, transfer);
    } catch (error) {
      parentPort.postMessage({ type: 'error', id: msg.id, message: String(error?.message ?? error) });
    }
    return;
  }
  if (msg.type === 'close') {
    await session?.release?.();
    parentPort.close();
  }
});
