import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The built client is static files (dist/); deploy/web serves them with nginx, which also routes
// /api/<service>/ to the five services and serves /config.json (the sign-in settings).
export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", sourcemap: false, chunkSizeWarningLimit: 600 },
});
