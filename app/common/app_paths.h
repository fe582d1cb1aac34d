#pragma once
#include <QString>

namespace tidemark::app {

/// The metadata store both apps use unless --store says otherwise:
/// $XDG_DATA_HOME/tidemark/tidemark.db (~/.local/share/tidemark/ by default).
QString defaultStorePath();
/// The folder of installed .qm files relative to the running executable
/// (share/tidemark/translations under its prefix); empty before a
/// QCoreApplication exists. Built-in translations (:/i18n) are the fallback.
QString installedTranslationsDir();
/// The user acting, for the audit trail.
QString currentUser();

} // namespace tidemark::app
