/**
 * {@linkcode Activation}: the activation functions a layer can apply to its output.
 *
 * @module
 */

import type { ActivationName } from "./_activation.ts";

/**
 * An activation function a layer applies to its output: `"identity"` (none, the default),
 * `"relu"`, `"tanh"` or `"sigmoid"`.
 */
export type Activation = ActivationName;
