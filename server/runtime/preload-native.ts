// Loads usearch's native addon before anything else. usearch (ESM build) finds its binary through
// `bindings`' stack-trace lookup, which resolves to the wrong folder once the Prisma client has been
// loaded ("Could not find native build for usearch"). Entry points import this module first; once
// loaded, later imports reuse the same module instance.
import 'usearch';
