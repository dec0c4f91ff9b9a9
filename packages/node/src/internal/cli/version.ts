/**
 * The CLI's name and version, apart from the commands: `helloasso --version` prints the version without loading
 * them.
 */
export const NAME = "helloasso"
export const VERSION = "0.1.0"
