#include "old_iid_plugin.h"
