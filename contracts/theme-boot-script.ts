/** Local-storage key of the chosen theme (light, dark, or absent for the system's). */
export const THEME_STORAGE_KEY = 'academy-theme'

/**
 * Runs before first paint (inlined in <head>) so a chosen theme never flashes. The Content
 * Security Policy allows it by its hash (server/security/security-headers.ts), so keep it constant.
 */
export const themeBootScript = `try{var t=localStorage.getItem('${THEME_STORAGE_KEY}');if(t==='light'||t==='dark')document.documentElement.dataset.theme=t}catch(e){}`
