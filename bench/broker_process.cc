// bench/broker_process.cc
#include "bench/broker_process.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

namespace brook::bench {
namespace {

// The running child and its directory, for StopRunningBroker().
pid_t g_broker_pid = -1;
std::string* g_broker_dir = nullptr;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

void StopRunningBroker() {
  if (g_broker_pid > 0) {
    ::kill(g_broker_pid, SIGTERM);
    ::waitpid(g_broker_pid, nullptr, 0);
    g_broker_pid = -1;
  }
  if (g_broker_dir != nullptr) {
    std::error_code ec;
    std::filesystem::remove_all(*g_broker_dir, ec);
    g_broker_dir = nullptr;
  }
}

BrokerProcess::BrokerProcess(const std::string& program, const std::string& binary, Storage storage)
    : program_(program) {
  std::string tmpl = "/tmp/brook-" + program + "-XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) Fail("mkdtemp");
  dir_ = tmpl;
  g_broker_dir = &dir_;
  const std::string log = dir_ + "/broker.log";
  bootstrap_ = "127.0.0.1:" + std::to_string(FreePort());
  std::vector<std::string> args = {binary, "--listen", bootstrap_};
  if (storage == Storage::kMemory) {
    args.push_back("--memory");
  } else {
    args.push_back("--data-dir");
    args.push_back(dir_ + "/data");
  }
  pid_ = ::fork();
  if (pid_ < 0) Fail("fork");
  if (pid_ == 0) {
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    std::_Exit(127);
  }
  g_broker_pid = pid_;
  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline = Clock::now() + std::chrono::seconds(15);
  while (Clock::now() < deadline) {
    const std::string text = ReadFile(log);
    if (text.find("Brook is listening") != std::string::npos) return;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      g_broker_pid = -1;
      Fail("brook-broker exited: " + text);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  Fail("brook-broker did not start within 15 s: " + ReadFile(log));
}

BrokerProcess::~BrokerProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    g_broker_pid = -1;
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
  g_broker_dir = nullptr;
}

void BrokerProcess::Fail(const std::string& what) {
  std::fprintf(stderr, "%s: %s\n", program_.c_str(), what.c_str());
  StopRunningBroker();
  std::exit(1);
}

int BrokerProcess::FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    Fail("no free port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace brook::bench
