#pragma once
// The remote embedding settings the user last chose (service, model, dimensions, in-flight
// bound, price, cost limit, where the key comes from: never the key), kept in QSettings under
// "remote/". Shared by computing embeddings via an API and embedding generated queries alike.

#include "jobs/remote_jobs.h"

class QSettings;

namespace embtune::gui {

RemoteRequest loadRemoteRequest(const QSettings &settings);
void saveRemoteRequest(QSettings &settings, const RemoteRequest &request);

} // namespace embtune::gui
