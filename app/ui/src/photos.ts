// Photos picked with a file input (the camera on a phone, the file picker on desktop), read as
// data: URLs for the Tauri commands, which run them through the evidence pipeline.

export interface PickedPhoto { name: string; dataUrl: string }

/// Reads the files of the input and clears it, so the same photo can be picked again.
export const readPickedPhotos = async (event: Event): Promise<PickedPhoto[]> => {
  const input = event.target as HTMLInputElement
  const picked: PickedPhoto[] = []
  for (const file of Array.from(input.files ?? [])) {
    const dataUrl = await new Promise<string>((resolve, reject) => {
      const reader = new FileReader()
      reader.onload = () => resolve(reader.result as string)
      reader.onerror = () => reject(reader.error)
      reader.readAsDataURL(file)
    })
    picked.push({ name: file.name, dataUrl })
  }
  input.value = ''
  return picked
}
