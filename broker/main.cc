// broker/main.cc: the brook-broker binary.
//
//   brook-broker [--config server.properties] [--set name=value]...
//
// Settings use Apache Kafka's property names (see broker/broker_config.h).
// Runs until SIGINT or SIGTERM.
#include <malloc.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "broker/broker.h"
#include "protocol/base/logging.h"

namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "brook-broker: %s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  // Requests and responses are megabytes each (a produce batch, a fetch's
  // records). glibc would hand every such buffer back to the kernel on free
  // (mmap above 128 KiB, heap trimming) and fault fresh pages in for the next
  // one; keep them in the heap for reuse instead.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's ceiling on 64-bit
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  CLI::App app{"Brook: a Kafka-compatible broker"};
  std::string config_file;
  std::vector<std::string> overrides;
  std::string log_level = "info";
  std::string listen;
  std::string data_dir;
  bool memory = false;
  app.add_option("--config", config_file, "server.properties-style file")->check(CLI::ExistingFile);
  app.add_option("--set", overrides, "a property override, name=value (repeatable)");
  app.add_option("--log-level", log_level, "trace, debug, info, warn or error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  app.add_option("--listen", listen, "host:port to listen on (listeners=PLAINTEXT://host:port)");
  app.add_option("--data-dir", data_dir, "where the logs live (log.dirs)");
  app.add_flag("--memory", memory, "keep all data in memory, nothing on disk");
  CLI11_PARSE(app, argc, argv);

  brook::broker::BrokerConfig config;
  if (!config_file.empty()) {
    std::ifstream in(config_file);
    std::ostringstream text;
    text << in.rdbuf();
    if (brook::Status s = config.ApplyProperties(text.str()); !s.ok()) {
      return Fail(config_file + ": " + s.ToString());
    }
  }
  // Short flags first, so that --set can still override them.
  if (!listen.empty()) {
    if (brook::Status s = config.Set("listeners", "PLAINTEXT://" + listen); !s.ok()) {
      return Fail("--listen " + listen + ": " + s.ToString());
    }
  }
  if (!data_dir.empty()) config.log_dirs = data_dir;
  if (memory) config.memory = true;
  for (const std::string& setting : overrides) {
    size_t eq = setting.find('=');
    if (eq == std::string::npos) return Fail("--set " + setting + ": expected name=value");
    brook::Status s = config.Set(setting.substr(0, eq), setting.substr(eq + 1));
    if (!s.ok()) return Fail("--set " + setting + ": " + s.ToString());
  }

  brook::SetLogSink(brook::StderrLogSink());
  brook::SetLogLevel(log_level == "trace"   ? brook::LogLevel::kTrace
                     : log_level == "debug" ? brook::LogLevel::kDebug
                     : log_level == "warn"  ? brook::LogLevel::kWarn
                     : log_level == "error" ? brook::LogLevel::kError
                                            : brook::LogLevel::kInfo);

  // Block the stop signals before the io threads start so only sigwait sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  brook::broker::Broker broker(config);
  if (brook::Status s = broker.Start(); !s.ok()) return Fail(s.ToString());
  std::printf("Brook is listening on %s (cluster id %s).\n", broker.bootstrap().c_str(),
              broker.cluster_id().c_str());
  std::printf("Point Kafka clients at it with bootstrap.servers=%s, e.g.\n",
              broker.bootstrap().c_str());
  std::printf("  kcat -b %s -L\n", broker.bootstrap().c_str());
  std::printf("Stop with Ctrl-C.\n");
  std::fflush(stdout);

  int signal = 0;
  sigwait(&stop_signals, &signal);
  std::printf("Stopping on signal %d.\n", signal);
  broker.Stop();
  return 0;
}
