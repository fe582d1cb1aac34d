#pragma once
#include <QString>

namespace tidemark::app {

/// The metadata store both apps use unless --store says otherwise:
/// $XDG_DATA_HOME/tidemark/tidemark.db (~/.local/share/tidemark/ by default).
QString defaultStorePath();
/// The user acting, for the audit trail.
QString currentUser();

} // namespace tidemark::app
