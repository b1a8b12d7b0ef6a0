/* CVipsShim.h: umbrella header of the C shim (SwiftPM uses it because it is named after the
 * target). List every header here: an explicit umbrella makes the module cache notice changes. */
#include "iaa_vips.h"
#include "iaa_vips_edits.h"
#include "iaa_vips_render.h"
