// Reference (c): the floor of a read on this stack — Express 5 and one primary-key SELECT of a trace row through a pool
// of the API's size, answered as JSON.
import express from 'express';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DB_POOL_MAX ?? 20) });
const app = express();
app.get('/traces/:id', async (req, res) => {
  const { rows } = await pool.query('SELECT * FROM traces WHERE id = $1', [req.params.id]);
  if (!rows[0]) {
    res.status(404).json({ status: 404 });
    return;
  }
  res.json(rows[0]);
});
const server = app.listen(Number(process.env.PORT));
process.on('SIGTERM', () => server.close(() => void pool.end().then(() => process.exit(0))));
