// Model builders for the radiology workflow; each returns an uncompiled tfjs-layers model.
export { smallCnn } from './smallCnn';
export type { SmallCnnOptions } from './smallCnn';
export { resnet18 } from './resnet18';
export type { Resnet18Options } from './resnet18';
export { unet2d } from './unet2d';
export type { Unet2dOptions } from './unet2d';
export { dncnn } from './dncnn';
export type { DncnnOptions } from './dncnn';
export { ModelOptionsError } from './layerFactory';
export type { InputShape } from './layerFactory';
