package zx.peer;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.flowable.common.engine.api.FlowableOptimisticLockingException;
import org.flowable.common.engine.impl.persistence.StrongUuidGenerator;
import org.flowable.engine.ProcessEngine;
import org.flowable.engine.ProcessEngineConfiguration;
import org.flowable.engine.RuntimeService;
import org.flowable.engine.TaskService;
import org.flowable.engine.impl.cfg.StandaloneProcessEngineConfiguration;
import org.flowable.task.api.Task;

/**
 * The bench's peer (issue 22): P1's case shape on Flowable, embedded, against a PostgreSQL database the Node
 * runner created from our own embedded binaries. Driven over stdin, one command a line, one JSON answer a line,
 * so the engine stays warm between the alternating runs (as our worker does):
 *
 *   run SECONDS LANES   lanes start and walk cases until the deadline; answers cases, seconds, rate (P1's count)
 *   cases N LANES       walks exactly N cases (for the per-case counts); answers cases, seconds
 *   quit
 *
 * Arguments: JDBC URL, user, password.
 */
public final class FlowablePeer {
  private static final String[] STEPS = {"apply", "review", "approve"};

  private final RuntimeService runtime;
  private final TaskService tasks;
  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  private FlowablePeer(ProcessEngine engine) {
    this.runtime = engine.getRuntimeService();
    this.tasks = engine.getTaskService();
  }

  public static void main(String[] args) throws Exception {
    StandaloneProcessEngineConfiguration cfg = new StandaloneProcessEngineConfiguration();
    cfg.setJdbcUrl(args[0]);
    cfg.setJdbcDriver("org.postgresql.Driver");
    cfg.setJdbcUsername(args[1]);
    cfg.setJdbcPassword(args[2]);
    // the same pool size as the bench's own PostgreSQL pool (test/bench/run.ts createPool(…, 30))
    cfg.setJdbcMaxActiveConnections(30);
    cfg.setJdbcMaxIdleConnections(30);
    cfg.setDatabaseSchemaUpdate(ProcessEngineConfiguration.DB_SCHEMA_UPDATE_TRUE);
    // the settings of issue 22: async executor on, UUID ids (as the Spring Boot starter uses), timers acquired
    // every 100 ms (the default 10 s would make a 1 s notice last up to 11 s), history `audit`
    cfg.setAsyncExecutorActivate(true);
    cfg.setIdGenerator(new StrongUuidGenerator());
    cfg.setAsyncExecutorDefaultTimerJobAcquireWaitTime(100);
    cfg.setAsyncExecutorDefaultAsyncJobAcquireWaitTime(100);
    cfg.setHistory("audit");
    ProcessEngine engine = cfg.buildProcessEngine();
    engine
        .getRepositoryService()
        .createDeployment()
        .addClasspathResource("bench-chain.bpmn20.xml")
        .deploy();
    FlowablePeer peer = new FlowablePeer(engine);
    System.out.println("{\"ready\":true}");
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      String[] cmd = line.trim().split("\\s+");
      if (cmd[0].equals("quit")) break;
      peer.retries.set(0);
      peer.failed.set(0);
      long t0 = System.nanoTime();
      int done;
      if (cmd[0].equals("run")) {
        done = peer.runFor(Double.parseDouble(cmd[1]), Integer.parseInt(cmd[2]));
      } else if (cmd[0].equals("cases")) {
        done = peer.runCount(Integer.parseInt(cmd[1]), Integer.parseInt(cmd[2]));
      } else {
        System.out.println("{\"error\":\"unknown command\"}");
        System.out.flush();
        continue;
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      System.out.printf(
          "{\"cases\":%d,\"seconds\":%.3f,\"rate\":%.3f,\"retries\":%d,\"failed\":%d}%n",
          done, secs, done / secs, peer.retries.get(), peer.failed.get());
      System.out.flush();
    }
    engine.close();
  }

  /** P1's load: LANES lanes each start and walk a case while the deadline is ahead; cases done / wall seconds. */
  private int runFor(double seconds, int lanes) throws InterruptedException {
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    AtomicInteger done = new AtomicInteger();
    runLanes(lanes, () -> {
      while (System.nanoTime() < deadline) {
        if (walkCase()) done.incrementAndGet();
      }
    });
    return done.get();
  }

  /** Exactly N cases over LANES lanes. */
  private int runCount(int n, int lanes) throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    runLanes(lanes, () -> {
      while (next.getAndIncrement() < n) {
        if (walkCase()) done.incrementAndGet();
      }
    });
    return done.get();
  }

  private interface Lane {
    void run() throws Exception;
  }

  private static void runLanes(int lanes, Lane lane) throws InterruptedException {
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failed = new ArrayList<>();
    for (int i = 0; i < lanes; i++) {
      Thread t = new Thread(() -> {
        try {
          lane.run();
        } catch (Throwable e) {
          synchronized (failed) {
            failed.add(e);
          }
        }
      });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) t.join();
    if (!failed.isEmpty()) throw new RuntimeException("a lane failed", failed.get(0));
  }

  /** One case: start, then for each human step find its task by polling (10 ms doubling to 200 ms) and complete it. */
  private boolean walkCase() throws InterruptedException {
    try {
      walkOne();
      return true;
    } catch (RuntimeException e) {
      // a failed case is not counted and is reported (as the Node side does); the first one is shown
      if (failed.getAndIncrement() == 0) e.printStackTrace();
      return false;
    }
  }

  private void walkOne() throws InterruptedException {
    String pid = runtime.startProcessInstanceByKey("benchChain").getId();
    for (String step : STEPS) {
      String taskId = waitTask(pid, step);
      for (int attempt = 0; ; attempt++) {
        try {
          tasks.complete(taskId);
          break;
        } catch (FlowableOptimisticLockingException e) {
          retries.incrementAndGet();
          if (attempt > 10) throw e;
        }
      }
    }
  }

  private String waitTask(String pid, String step) throws InterruptedException {
    for (long wait = 10; ; wait = Math.min(200, wait * 2)) {
      Task task =
          tasks.createTaskQuery().processInstanceId(pid).taskDefinitionKey(step).singleResult();
      if (task != null) return task.getId();
      Thread.sleep(wait);
    }
  }
}
