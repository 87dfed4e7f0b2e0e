package flux.app.records;

import flux.app.wiring.FluxSchema;
import flux.dev.testing.TestPostgres;

/** A fresh database with Flux's tables, and a records context over it, as the CLI's commands get one. */
record TestRecords(TestPostgres db, RecordsContext context) implements AutoCloseable {

    static TestRecords start(TestPostgres pg, String name) throws Exception {
        TestPostgres db = pg.newDatabase(name);
        FluxSchema.install(db.dataSource());
        return new TestRecords(db, RecordsContext.start(db.dataSource()));
    }

    @Override
    public void close() {
        context.close();
    }
}
