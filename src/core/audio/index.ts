/** Audio core: decode, resample, STFT/mel features and .npy I/O. No VS Code or onnxruntime imports. */
export * from './types';
export * from './wav';
export * from './decode';
export * from './resample';
export * from './fft';
export * from './stft';
export * from './mel';
export * from './features';
export * from './npy';
