#include "old_api_plugin.h"
