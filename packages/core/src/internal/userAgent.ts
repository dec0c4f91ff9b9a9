import * as Option from "effect/Option"
import type * as HelloAssoConfig from "../HelloAssoConfig.js"

/** The version of `@helloasso-effect/core`. @internal */
export const version = "0.1.0"

/** HelloAsso asks every client to send a `User-Agent`. @internal */
export const userAgent = (config: HelloAssoConfig.Service): string =>
  Option.match(config.userAgent, {
    onNone: () => `helloasso-effect/${version}`,
    onSome: (product) => `helloasso-effect/${version} ${product}`
  })
